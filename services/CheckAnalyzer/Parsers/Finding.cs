namespace Agentic.CheckAnalyzer.Parsers;

/// <summary>What a finding says about the failure.</summary>
public enum FindingKind
{
    Other = 0,
    Compile = 1,
    Test = 2,
    Lint = 3,
    Format = 4,

    /// <summary>A package or version the package manager cannot resolve (npm ETARGET/E404/ERESOLVE, NuGet NU1101-NU1103, pip).</summary>
    Dependency = 5,
}

/// <summary>One structured diagnostic read from the evidence: a compiler error, a failed test, a lint or format problem.</summary>
public sealed record Finding(FindingKind Kind, string Tool, string? File, int? Line, int? Column, string? Code, string Message)
{
    /// <summary>A one-line rendering for prompts and evidence.</summary>
    public override string ToString()
    {
        var location = File is null ? "" : Line is null ? $"{File}: " : Column is null ? $"{File}:{Line}: " : $"{File}:{Line}:{Column}: ";
        var code = Code is null ? "" : $"{Code}: ";
        return $"[{Tool}] {location}{code}{Message}";
    }
}

/// <summary>Findings gathered from one piece of evidence: deduplicated, the first <see cref="MaxFindings"/> kept, all counted.</summary>
public sealed class FindingCollector
{
    public const int MaxFindings = 200;

    private readonly HashSet<(string?, int?, string?, string)> _seen = [];
    private readonly List<Finding> _findings = [];
    private readonly Dictionary<FindingKind, int> _counts = [];

    public IReadOnlyList<Finding> Findings => _findings;

    public int Count(FindingKind kind) => _counts.GetValueOrDefault(kind);

    public int Total => _counts.Values.Sum();

    /// <summary>Findings refused by <see cref="Admit"/> (a format or lint line in a step that did not run the tool).</summary>
    public int Refused { get; private set; }

    /// <summary>Whether a finding counts where it was read; null admits all. The log reducer sets it per step.</summary>
    public Func<Finding, bool>? Admit { get; set; }

    public void Add(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        if (Admit is { } admit && !admit(finding))
        {
            Refused++;
            return;
        }

        if (_seen.Count >= 10_000 || !_seen.Add((finding.File, finding.Line, finding.Code, finding.Message)))
        {
            return;
        }

        _counts[finding.Kind] = Count(finding.Kind) + 1;
        if (_findings.Count < MaxFindings)
        {
            _findings.Add(finding);
        }
    }

    public void AddRange(IEnumerable<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        foreach (var finding in findings)
        {
            Add(finding);
        }
    }
}

/// <summary>A parser that reads a log one cleaned line at a time (it may keep state between lines).</summary>
public interface ILineParser
{
    void Accept(string line, FindingCollector findings);

    /// <summary>Called after the last line, for parsers that hold a pending finding.</summary>
    void Complete(FindingCollector findings)
    {
    }
}
