namespace Agentic.Executor.Commands.Fixers;

/// <summary><c>gofmt -w</c> for a Go module (go.mod at the root), with the machine's Go toolchain.</summary>
public sealed class GofmtFixer : Fixer
{
    public override string Name => "gofmt";

    public override FixerResolution Resolve(string workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!File.Exists(Path.Combine(workspace, "go.mod")))
        {
            return FixerResolution.NotDeclared("the repository has no go.mod");
        }

        return DeclaredTools.OnSandboxPath("gofmt", "/usr/local/go/bin", "/usr/lib/go/bin") is { } program
            ? FixerResolution.Found(program)
            : FixerResolution.NotInstalled("the repository is a Go module (go.mod) but gofmt is not installed on this machine");
    }

    public override bool WorksOn(string path) => HasExtension(path, ".go");

    public override IReadOnlyList<string> Arguments(FixerResolution resolution, string mode, IReadOnlyList<string> paths, IReadOnlyList<string> diagnostics) =>
        [resolution.Program!, "-w", "--", .. paths.Count == 0 ? ["."] : paths];
}
