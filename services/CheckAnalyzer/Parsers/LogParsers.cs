namespace Agentic.CheckAnalyzer.Parsers;

/// <summary>A fresh set of every line parser (they keep state, so one set per log).</summary>
public static class LogParsers
{
    public static IReadOnlyList<ILineParser> CreateAll() =>
        [new MsBuildParser(), new TypeScriptParser(), new EsLintParser(), new PrettierParser(), new PytestParser(), new DotnetTestParser(), new NUnitConsoleParser(),
         new XoParser(), new AvaParser(), new VitestParser(), new JestParser(), new MochaParser(), new TapParser(), new DependencyParser()];

    /// <summary>Parses a whole text (check-run output, an annotation) with every parser.</summary>
    public static void ParseText(string text, FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(findings);
        if (TestResultXmlParser.LooksLikeTestResults(text))
        {
            findings.AddRange(TestResultXmlParser.Parse(text));
            return;
        }

        var parsers = CreateAll();
        foreach (var raw in text.Split('\n'))
        {
            var line = Logs.LogLineCleaner.Clean(raw);
            foreach (var parser in parsers)
            {
                parser.Accept(line, findings);
            }
        }

        foreach (var parser in parsers)
        {
            parser.Complete(findings);
        }
    }
}
