using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace BackupOperator.KubectlPlugin.Output;

/// <summary>
/// JSON as YAML, block style like kubectl's -o yaml, through YamlDotNet's emitter (no reflection: NativeAOT). A string that
/// would read back as another type (true, 42, null, 1e3, yes) is quoted, so the YAML means the same JSON.
/// </summary>
public static class YamlWriter
{
    public static string Write(JsonNode? node)
    {
        using var text = new StringWriter { NewLine = "\n" };
        var emitter = new Emitter(text, new EmitterSettings(2, int.MaxValue, false, 1024, false, false, "\n"));
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, true));
        Emit(emitter, node);
        emitter.Emit(new DocumentEnd(true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject map:
                emitter.Emit(new MappingStart(null, null, true, MappingStyle.Block));
                foreach (var (key, value) in map)
                {
                    String(emitter, key);
                    Emit(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray list:
                emitter.Emit(new SequenceStart(null, null, true, SequenceStyle.Block));
                foreach (var item in list)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case null:
                emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, true, false));
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                String(emitter, value.GetValue<string>());
                break;
            case JsonValue value:
                // numbers and booleans as JSON writes them
                emitter.Emit(new Scalar(null, null, value.ToJsonString(), ScalarStyle.Plain, true, false));
                break;
        }
    }

    private static void String(IEmitter emitter, string s)
    {
        var quoted = LooksTyped(s) || NeedsEscapes(s);
        emitter.Emit(new Scalar(null, null, s, quoted ? ScalarStyle.DoubleQuoted : ScalarStyle.Any, !quoted, true));
    }

    /// <summary>
    /// Whether the string holds a character only a double-quoted scalar keeps exactly (as \e, \r, \N, \L): YAML allows no
    /// control character but tab and line breaks in its text, a block scalar drops a CR, and the emitter would otherwise
    /// write ESC raw, for the terminal to act on.
    /// </summary>
    private static bool NeedsEscapes(string s) =>
        s.Any(c => (char.IsControl(c) && c is not ('\n' or '\t')) || c is '\u2028' or '\u2029' or '\ufeff');

    /// <summary>Whether a plain scalar with this text would be read as something other than this string (YAML 1.1 or 1.2).</summary>
    public static bool LooksTyped(string s) =>
        s.Length == 0
        || s is "~" or "null" or "Null" or "NULL" or "true" or "True" or "TRUE" or "false" or "False" or "FALSE"
            or "y" or "Y" or "yes" or "Yes" or "YES" or "n" or "N" or "no" or "No" or "NO" or "on" or "On" or "ON" or "off" or "Off" or "OFF"
        || (s.Any(char.IsAsciiDigit) && double.TryParse(s.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        || s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || s.StartsWith("0o", StringComparison.OrdinalIgnoreCase)
        || s is ".inf" or "-.inf" or "+.inf" or ".nan" or ".Inf" or ".NaN" or ".INF" or ".NAN";
}
