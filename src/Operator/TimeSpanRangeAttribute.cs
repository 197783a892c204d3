using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace BackupOperator.Operator;

/// <summary>
/// A TimeSpan option between two bounds ("hh:mm:ss", "d.hh:mm:ss"). DataAnnotations'
/// <c>[Range(typeof(TimeSpan), ...)]</c> converts its bounds through TypeDescriptor, which trimming
/// and NativeAOT cannot keep; this parses them itself. Shared by the options of every folder.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class TimeSpanRangeAttribute(string minimum, string maximum) : ValidationAttribute
{
    public TimeSpan Minimum { get; } = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);

    public TimeSpan Maximum { get; } = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);

    public override bool IsValid(object? value) => value is not TimeSpan t || (t >= Minimum && t <= Maximum);

    public override string FormatErrorMessage(string name) =>
        string.Create(CultureInfo.InvariantCulture, $"The field {name} must be between {Minimum} and {Maximum}.");
}
