namespace Agentic.Patches;

/// <summary>One file's section of a unified diff, as <see cref="UnifiedDiff.Read"/> found it.</summary>
public sealed record DiffFile
{
    /// <summary>The 1-based line the section starts on.</summary>
    public required int Line { get; init; }

    /// <summary>True for a <c>diff --git</c> section, false for a traditional one (<c>---</c>/<c>+++</c> lines only).</summary>
    public bool IsGit { get; init; }

    /// <summary>The path before the change, without git's <c>a/</c>; null for a new file.</summary>
    public string? OldPath { get; init; }

    /// <summary>The path after the change, without git's <c>b/</c>; null for a deleted file.</summary>
    public string? NewPath { get; init; }

    /// <summary>Every path the section names (<c>diff --git</c> line, <c>---</c>/<c>+++</c>, rename and copy lines), each once.</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];

    public bool IsNew { get; init; }

    public bool IsDeleted { get; init; }

    /// <summary>A rename: announced (<c>rename from</c>/<c>to</c>, <c>similarity index</c>) or the old and new names differ.</summary>
    public bool IsRenamed { get; init; }

    public bool IsCopied { get; init; }

    /// <summary>A <c>GIT binary patch</c> or a <c>Binary files … differ</c> line.</summary>
    public bool IsBinary { get; init; }

    /// <summary>The file mode before and after, as git writes it (<c>100644</c>), where a header line names it.</summary>
    public string? OldMode { get; init; }

    public string? NewMode { get; init; }

    /// <summary>Only the mode changes (<c>old mode</c>/<c>new mode</c>), e.g. a script made executable.</summary>
    public bool IsModeChange => !IsNew && !IsDeleted && OldMode is not null && NewMode is not null && OldMode != NewMode;

    /// <summary>A mode line names a symbolic link (<c>120000</c>).</summary>
    public bool IsSymlink { get; init; }

    /// <summary>A mode line names a submodule (<c>160000</c>).</summary>
    public bool IsSubmodule { get; init; }

    public IReadOnlyList<DiffHunk> Hunks { get; init; } = [];

    /// <summary>Why Agentic applies no such file whatever its paths (a binary patch, a symbolic link, a submodule), or null.</summary>
    public string? UnsupportedContent =>
        IsBinary ? "binary patches are not accepted"
        : IsSymlink || IsSubmodule ? "symbolic links and submodules are not accepted"
        : null;
}
