using System.Text.Json;
using Agentic.Contracts.Common;

namespace Agentic.CheckAnalyzer.Llm;

/// <summary>What the LLM is asked to answer: <c>{"root_cause": str, "strategy": str, "confidence": 0..1, "files": [str]}</c>.</summary>
public sealed record LlmVerdict(string RootCause, FixStrategy Strategy, double Confidence, IReadOnlyList<string> Files);

/// <summary>Parses an LLM answer against the verdict schema; anything else is rejected with the reason.</summary>
public static class LlmVerdictParser
{
    public const int MaxRootCauseLength = 4000;
    public const int MaxFiles = 50;

    private static readonly HashSet<string> Allowed = new(StringComparer.Ordinal) { "root_cause", "strategy", "confidence", "files" };

    /// <summary>The JSON schema the prompt states and the parser enforces.</summary>
    public const string Schema = """
        {"type":"object","additionalProperties":false,"required":["root_cause","strategy","confidence","files"],
         "properties":{"root_cause":{"type":"string","minLength":1,"maxLength":4000},
                       "strategy":{"enum":["llm_edit","deterministic","rerun","escalate"]},
                       "confidence":{"type":"number","minimum":0,"maximum":1},
                       "files":{"type":"array","maxItems":50,"items":{"type":"string","description":"path relative to the repository root"}}}}
        """;

    public static bool TryParse(string? text, out LlmVerdict? verdict, out string? error)
    {
        verdict = null;
        error = Validate(text, out var result);
        verdict = result;
        return error is null;
    }

    private static string? Validate(string? text, out LlmVerdict? verdict)
    {
        verdict = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return "empty answer";
        }

        var json = StripFence(text.Trim());
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            return $"not JSON ({ex.Message})";
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return "not a JSON object";
            }

            foreach (var property in root.EnumerateObject())
            {
                if (!Allowed.Contains(property.Name))
                {
                    return $"unexpected property '{property.Name}'";
                }
            }

            if (!root.TryGetProperty("root_cause", out var rootCause) || rootCause.ValueKind != JsonValueKind.String || rootCause.GetString() is not { Length: > 0 and <= MaxRootCauseLength } cause || string.IsNullOrWhiteSpace(cause))
            {
                return "root_cause must be a non-empty string of at most 4000 characters";
            }

            if (!root.TryGetProperty("strategy", out var strategyElement) || strategyElement.ValueKind != JsonValueKind.String)
            {
                return "strategy must be a string";
            }

            FixStrategy? strategy = strategyElement.GetString() switch
            {
                "llm_edit" => FixStrategy.LlmEdit,
                "deterministic" => FixStrategy.Deterministic,
                "rerun" => FixStrategy.Rerun,
                "escalate" => FixStrategy.Escalate,
                _ => null,
            };
            if (strategy is null)
            {
                return "strategy must be one of llm_edit, deterministic, rerun, escalate";
            }

            if (!root.TryGetProperty("confidence", out var confidenceElement) || confidenceElement.ValueKind != JsonValueKind.Number
                || !confidenceElement.TryGetDouble(out var confidence) || double.IsNaN(confidence) || confidence is < 0 or > 1)
            {
                return "confidence must be a number between 0 and 1";
            }

            if (!root.TryGetProperty("files", out var filesElement) || filesElement.ValueKind != JsonValueKind.Array || filesElement.GetArrayLength() > MaxFiles)
            {
                return "files must be an array of at most 50 paths";
            }

            var files = new List<string>();
            foreach (var file in filesElement.EnumerateArray())
            {
                if (file.ValueKind != JsonValueKind.String || file.GetString() is not { Length: > 0 and <= 400 } path
                    || path.StartsWith('/') || path.Contains('\\', StringComparison.Ordinal) || path.Split('/').Contains("..") || path.Contains(':', StringComparison.Ordinal))
                {
                    return "files must be repository-relative paths";
                }

                files.Add(path);
            }

            verdict = new LlmVerdict(cause.Trim(), strategy.Value, Math.Round(confidence, 2), files.Distinct(StringComparer.Ordinal).ToList());
            return null;
        }
    }

    private static string StripFence(string text)
    {
        if (!text.StartsWith("```", StringComparison.Ordinal))
        {
            return text;
        }

        var firstNewLine = text.IndexOf('\n', StringComparison.Ordinal);
        var end = text.LastIndexOf("```", StringComparison.Ordinal);
        return firstNewLine > 0 && end > firstNewLine ? text[(firstNewLine + 1)..end] : text;
    }
}
