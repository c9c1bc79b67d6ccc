using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Agentic.CheckAnalyzer.Parsers;

/// <summary>Failed tests from TRX (Visual Studio / <c>dotnet test --logger trx</c>) and JUnit XML documents.</summary>
public static class TestResultXmlParser
{
    private const int MaxMessageLength = 1000;

    /// <summary>Whether <paramref name="text"/> looks like a TRX or JUnit document.</summary>
    public static bool LooksLikeTestResults(string text) =>
        text is not null && (text.Contains("<TestRun", StringComparison.Ordinal) || text.Contains("<testsuite", StringComparison.Ordinal) || text.Contains("<testcase", StringComparison.Ordinal));

    public static IReadOnlyList<Finding> Parse(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        var start = xml.IndexOf('<', StringComparison.Ordinal);
        if (start < 0)
        {
            return [];
        }

        using var reader = XmlReader.Create(new StringReader(xml[start..]), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        XDocument document;
        try
        {
            document = XDocument.Load(reader);
        }
        catch (XmlException)
        {
            return [];
        }

        return document.Root?.Name.LocalName == "TestRun" ? ParseTrx(document) : ParseJUnit(document);
    }

    private static List<Finding> ParseTrx(XDocument document)
    {
        var findings = new List<Finding>();
        foreach (var result in document.Descendants().Where(e => e.Name.LocalName == "UnitTestResult"))
        {
            if (!string.Equals((string?)result.Attribute("outcome"), "Failed", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var errorInfo = result.Descendants().FirstOrDefault(e => e.Name.LocalName == "ErrorInfo");
            var message = errorInfo?.Elements().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value.Trim() ?? "failed";
            var stack = errorInfo?.Elements().FirstOrDefault(e => e.Name.LocalName == "StackTrace")?.Value ?? "";
            var (file, line) = FirstFrame(stack);
            findings.Add(new Finding(FindingKind.Test, "trx", file, line, null, (string?)result.Attribute("testName"), Truncate(message)));
        }

        return findings;
    }

    private static List<Finding> ParseJUnit(XDocument document)
    {
        var findings = new List<Finding>();
        foreach (var testCase in document.Descendants().Where(e => e.Name.LocalName == "testcase"))
        {
            var problem = testCase.Elements().FirstOrDefault(e => e.Name.LocalName is "failure" or "error");
            if (problem is null)
            {
                continue;
            }

            var className = (string?)testCase.Attribute("classname");
            var name = (string?)testCase.Attribute("name") ?? "?";
            var message = (string?)problem.Attribute("message") ?? problem.Value.Trim().Split('\n')[0];
            var file = (string?)testCase.Attribute("file");
            int? line = int.TryParse((string?)testCase.Attribute("line"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : null;
            if (file is null)
            {
                (file, line) = FirstFrame(problem.Value);
            }

            findings.Add(new Finding(FindingKind.Test, "junit", file is null ? null : PathNormalizer.Normalize(file), line, null, className is null ? name : $"{className}.{name}", Truncate(message)));
        }

        return findings;
    }

    private static (string? File, int? Line) FirstFrame(string stack)
    {
        foreach (var frameLine in stack.Split('\n'))
        {
            var match = DotnetTestParser.StackFrame().Match(frameLine.Trim());
            if (match.Success)
            {
                return (PathNormalizer.Normalize(match.Groups["file"].Value), int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture));
            }
        }

        return (null, null);
    }

    private static string Truncate(string message) =>
        message.Length <= MaxMessageLength ? message : string.Concat(message.AsSpan(0, MaxMessageLength), "…");
}
