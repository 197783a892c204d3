using k8s.Models;

namespace BackupOperator.KubectlPlugin.Output;

/// <summary>
/// What a `list` command prints, built from typed items: its columns and one row of cells per item
/// (the NAME first), sorted by namespace and name, with a NAMESPACE column for -A. Every list
/// (backups, schedules, connections) is one of these, so the same output options apply to all.
/// </summary>
public sealed record Listing<T>(IReadOnlyList<string> Columns, Func<T, V1ObjectMeta> Metadata, Func<T, IReadOnlyList<string>> Cells)
{
    public IEnumerable<(T Item, IReadOnlyList<string> Cells)> Rows(IEnumerable<T> items, bool withNamespace) =>
        items
            .OrderBy(i => Metadata(i).NamespaceProperty, StringComparer.Ordinal)
            .ThenBy(i => Metadata(i).Name, StringComparer.Ordinal)
            .Select(i => (i, withNamespace ? (IReadOnlyList<string>)[Metadata(i).NamespaceProperty ?? "", .. Cells(i)] : Cells(i)));

    public IReadOnlyList<string> Header(bool withNamespace) => withNamespace ? ["NAMESPACE", .. Columns] : Columns;

    public string Render(IEnumerable<T> items, bool withNamespace) =>
        Table.Render(Header(withNamespace), Rows(items, withNamespace).Select(r => r.Cells));
}
