namespace BackupOperator.Operator.Ocp;

/// <summary>Applies a <see cref="SecretMasker"/> to every text OCP sends back that the operator passes on.</summary>
internal static class OcpTextMasking
{
    public static OcpApiException Mask(OcpApiException e, SecretMasker mask)
    {
        var detail = mask.Apply(e.Detail)!;
        var code = mask.Apply(e.Code);
        var target = mask.Apply(e.RedirectTarget);
        return detail == e.Detail && code == e.Code && target == e.RedirectTarget
            ? e
            : new OcpApiException(e.Operation, e.Kind, detail, e.HttpStatus, code, e.TraceId, e.InnerException, target);
    }

    public static T Mask<T>(T data, SecretMasker mask) => data switch
    {
        BackupCommonResponse r => (T)(object)(r with
        {
            BackupObjectOpsResultList = r.BackupObjectOpsResultList?
                .Select(x => x with { Hint = mask.Apply(x.Hint), ErrorCode = mask.Apply(x.ErrorCode) }).ToList(),
        }),
        TaskInstance t => (T)(object)Mask(t, mask),
        OcpPage<TaskInstance> p => (T)(object)(p with { Contents = p.Contents?.Select(t => Mask(t, mask)).ToList() }),
        _ => data,
    };

    private static TaskInstance Mask(TaskInstance t, SecretMasker mask) => t with
    {
        Name = mask.Apply(t.Name),
        Subtasks = t.Subtasks?.Select(st => st with { Name = mask.Apply(st.Name) }).ToList(),
    };
}
