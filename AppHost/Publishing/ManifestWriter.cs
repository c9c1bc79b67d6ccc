using System.Collections;
using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Agentic.AppHost.Publishing;

/// <summary>
/// Writes <see cref="YamlMap"/> documents with YamlDotNet's emitter: block style, two-space indent, no line folding,
/// LF line ends, comments kept. Strings that a YAML 1.1 or 1.2 reader would take for a number, a boolean or null
/// (<c>"8080"</c>, <c>"true"</c>, <c>"no"</c>) are double-quoted, so every value reads back as what it was.
/// </summary>
public static partial class ManifestWriter
{
    private static readonly EmitterSettings Settings = new(
        bestIndent: 2, bestWidth: int.MaxValue, isCanonical: false, maxSimpleKeyLength: 1024, newLine: "\n");

    /// <summary>One file: <paramref name="header"/> as comment lines, then the documents separated by <c>---</c>.</summary>
    public static string Write(IReadOnlyList<YamlMap> documents, string? header = null)
    {
        ArgumentNullException.ThrowIfNull(documents);
        using var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var emitter = new Emitter(text, Settings);
        emitter.Emit(new StreamStart());
        for (var i = 0; i < documents.Count; i++)
        {
            emitter.Emit(new DocumentStart(null, null, isImplicit: i == 0));
            if (i == 0 && header is not null)
            {
                EmitComment(emitter, header);
            }

            EmitMap(emitter, documents[i]);
            emitter.Emit(new DocumentEnd(isImplicit: true));
        }

        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void EmitMap(IEmitter emitter, YamlMap map)
    {
        if (map.Count == 0)
        {
            emitter.Emit(new MappingStart(null, null, isImplicit: true, MappingStyle.Flow));
            emitter.Emit(new MappingEnd());
            return;
        }

        emitter.Emit(new MappingStart(null, null, isImplicit: true, MappingStyle.Block));
        foreach (var entry in map)
        {
            if (entry.Comment is not null)
            {
                EmitComment(emitter, entry.Comment);
            }

            emitter.Emit(new Scalar(null, null, entry.Key, ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
            EmitValue(emitter, entry.Value);
        }

        emitter.Emit(new MappingEnd());
    }

    private static void EmitValue(IEmitter emitter, object value)
    {
        switch (value)
        {
            case YamlMap map:
                EmitMap(emitter, map);
                break;
            case string text:
                EmitString(emitter, text);
                break;
            case bool flag:
                emitter.Emit(new Scalar(null, null, flag ? "true" : "false", ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                break;
            case int or long:
                emitter.Emit(new Scalar(null, null, Convert.ToString(value, CultureInfo.InvariantCulture)!, ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                break;
            case IEnumerable items:
                var list = items.Cast<object>().ToList();
                var style = list.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block;
                emitter.Emit(new SequenceStart(null, null, isImplicit: true, style));
                foreach (var item in list)
                {
                    EmitValue(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            default:
                throw new ArgumentException($"A manifest value cannot be a {value.GetType().Name}.", nameof(value));
        }
    }

    private static void EmitString(IEmitter emitter, string text)
    {
        var style = text.Contains('\n', StringComparison.Ordinal) ? ScalarStyle.Literal
            : LooksLikeAnotherType(text) ? ScalarStyle.DoubleQuoted
            : ScalarStyle.Any;
        emitter.Emit(new Scalar(null, null, text, style, isPlainImplicit: style == ScalarStyle.Any, isQuotedImplicit: true));
    }

    private static void EmitComment(IEmitter emitter, string comment)
    {
        foreach (var line in comment.Split('\n'))
        {
            emitter.Emit(new Comment(line, isInline: false));
        }
    }

    /// <summary>Empty, a number (decimal, octal, hex, sexagesimal, inf, nan), a boolean (YAML 1.1's yes/no/on/off too) or null.</summary>
    private static bool LooksLikeAnotherType(string text) => text.Length == 0 || NonStringScalar().IsMatch(text);

    [GeneratedRegex("""
        ^(?:
            [-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?
          | [-+]?0[xX][0-9a-fA-F_]+ | [-+]?0[oO]?[0-7_]+ | [-+]?0[bB][01_]+
          | [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?
          | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)
          | ~ | null | Null | NULL
          | y | Y | yes | Yes | YES | n | N | no | No | NO
          | true | True | TRUE | false | False | FALSE
          | on | On | ON | off | Off | OFF
        )$
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant)]
    private static partial Regex NonStringScalar();
}
