namespace BackupOperator.Operator;

/// <summary>
/// A held slot or lock whose release runs on the first <see cref="Dispose"/> only: a holder that
/// disposes twice must not free a slot someone else holds by then. Ocp and Controllers both hand out
/// such slots and Ocp may not use Runtime (docs/architecture.md), so it sits at the root, with no
/// dependency of its own, like <see cref="TimeSpanRangeAttribute"/>.
/// </summary>
public sealed class ReleaseOnce(Action release) : IDisposable
{
    private Action? _release = release;

    public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
}
