using System.Text.Json;
using System.Text.Json.Serialization;

namespace Agentic.Persistence.Sagas;

/// <summary>How saga instances are stored in their <c>data</c> column: property names as declared, enums as names. Readers of the table use the same.</summary>
public static class PostgresSagaJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.General)
    {
        Converters = { new JsonStringEnumConverter() },
    };
}
