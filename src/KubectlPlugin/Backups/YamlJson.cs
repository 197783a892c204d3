using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BackupOperator.KubectlPlugin.Backups;

/// <summary>
/// YAML documents as JSON, as kubectl converts a manifest before it reads it: a plain scalar that is a YAML 1.2
/// core-schema number, boolean or null becomes one; any other scalar (and every quoted one) is a string.
/// JSON is YAML too, so a JSON file reads the same way. No reflection: the result is read by source generation.
/// </summary>
public static class YamlJson
{
    public static IReadOnlyList<JsonNode?> Documents(string text)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(text));
        return yaml.Documents.Where(d => d.RootNode is not YamlScalarNode { Value: null or "" }).Select(d => Node(d.RootNode)).ToList();
    }

    private static JsonNode? Node(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => new KeyValuePair<string, JsonNode?>(
            c.Key is YamlScalarNode { Value: { } key } ? key : throw new FormatException($"a key that is not a string at {c.Key.Start}"), Node(c.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(Node).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new FormatException($"an alias or unknown node at {node.Start}"),
    };

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole) => JsonValue.Create(whole),
            _ when text.Any(char.IsAsciiDigit) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
            && double.IsFinite(real) => JsonValue.Create(real), // 1e400 is no JSON number: kept as text, refused where a number is due
            _ => JsonValue.Create(text),
        };
    }
}
