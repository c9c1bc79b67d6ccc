namespace Agentic.Executor.Commands.Fixers;

/// <summary>The library's deterministic fixers, in the order <c>format</c> tries them when no tool is named.</summary>
public sealed class FixerCatalog
{
    public FixerCatalog()
        : this([new DotnetFormatFixer(), new PrettierFixer(), new BiomeFixer(), new EslintFixer(), new XoFixer(), new BlackFixer(), new RuffFixer(), new GofmtFixer()])
    {
    }

    public FixerCatalog(IReadOnlyList<Fixer> fixers)
    {
        ArgumentNullException.ThrowIfNull(fixers);
        All = fixers;
    }

    public IReadOnlyList<Fixer> All { get; }

    public IEnumerable<string> Names => All.Select(f => f.Name);

    public Fixer? Find(string name) => All.FirstOrDefault(f => f.Name == name);
}
