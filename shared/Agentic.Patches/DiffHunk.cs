namespace Agentic.Patches;

/// <summary>One hunk: its <c>@@ -OldStart,OldCount +NewStart,NewCount @@</c> header and the 1-based line it stands on.</summary>
public sealed record DiffHunk(int OldStart, int OldCount, int NewStart, int NewCount, int Line)
{
    public override string ToString() => $"@@ -{OldStart},{OldCount} +{NewStart},{NewCount} @@";
}
