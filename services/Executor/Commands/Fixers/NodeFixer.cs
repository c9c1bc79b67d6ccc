namespace Agentic.Executor.Commands.Fixers;

/// <summary>
/// A tool the repository declares in its root package.json (devDependencies or dependencies) and runs from its own
/// <c>node_modules/.bin</c> once dependencies are set up (<c>npm ci</c>); nothing is installed here.
/// </summary>
public abstract class NodeFixer(string package, string binary) : Fixer
{
    public override FixerResolution Resolve(string workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!DeclaredTools.PackageJsonDeclares(workspace, package))
        {
            return FixerResolution.NotDeclared($"the repository does not declare {package} in package.json");
        }

        return DeclaredTools.NodeBinary(workspace, binary) is { } program
            ? FixerResolution.Found(program)
            : FixerResolution.NotInstalled($"{package} is declared in package.json but not installed: dependencies were not set up");
    }

    protected static readonly string[] ScriptExtensions = [".js", ".cjs", ".mjs", ".jsx", ".ts", ".cts", ".mts", ".tsx", ".vue", ".svelte", ".astro"];
}

/// <summary><c>prettier --write</c> the named files (unknown file types skipped), else the whole repository as its ignore files say.</summary>
public sealed class PrettierFixer() : NodeFixer("prettier", "prettier")
{
    public override string Name => "prettier";

    public override IReadOnlyList<string> Arguments(FixerResolution resolution, string mode, IReadOnlyList<string> paths, IReadOnlyList<string> diagnostics) =>
        [resolution.Program!, "--write", "--ignore-unknown", "--no-error-on-unmatched-pattern", "--", .. paths.Count == 0 ? ["."] : paths];

    public override IReadOnlyList<string>? CheckArguments(FixerResolution resolution, IReadOnlyList<string> paths) =>
        [resolution.Program!, "--check", "--ignore-unknown", "--no-error-on-unmatched-pattern", "--", .. paths];
}

/// <summary><c>eslint --fix</c> (flat or legacy configuration alike); exit 1 (problems left that it cannot fix) still counts as a run.</summary>
public sealed class EslintFixer() : NodeFixer("eslint", "eslint")
{
    public override string Name => "eslint";

    public override bool IsFormatter => false;

    public override bool WorksOn(string path) => HasExtension(path, ScriptExtensions);

    public override IReadOnlyList<string> Arguments(FixerResolution resolution, string mode, IReadOnlyList<string> paths, IReadOnlyList<string> diagnostics) =>
        [resolution.Program!, "--fix", "--", .. paths.Count == 0 ? ["."] : paths];

    public override IReadOnlyList<int> AcceptableExitCodes(string mode) => [1];
}

/// <summary><c>xo --fix</c> (xo's own defaults over ESLint); exit 1 (problems left) still counts as a run.</summary>
public sealed class XoFixer() : NodeFixer("xo", "xo")
{
    public override string Name => "xo";

    public override bool IsFormatter => false;

    public override bool WorksOn(string path) => HasExtension(path, ScriptExtensions);

    // xo takes no "--" separator; a path never starts with '-' (ArgumentRules), so none is read as an option.
    public override IReadOnlyList<string> Arguments(FixerResolution resolution, string mode, IReadOnlyList<string> paths, IReadOnlyList<string> diagnostics) =>
        [resolution.Program!, "--fix", .. paths];

    public override IReadOnlyList<int> AcceptableExitCodes(string mode) => [1];
}

/// <summary>
/// Biome (<c>@biomejs/biome</c>): <c>biome format --write</c>, <c>biome lint --write</c> or <c>biome check --write</c>
/// (format, lint and import sorting). Exit 1 from lint or check (diagnostics left) still counts as a run.
/// </summary>
public sealed class BiomeFixer() : NodeFixer("@biomejs/biome", "biome")
{
    public override string Name => "biome";

    public override IReadOnlyList<string> Modes => ["check", "format", "lint"];

    public override IReadOnlyList<string> Arguments(FixerResolution resolution, string mode, IReadOnlyList<string> paths, IReadOnlyList<string> diagnostics) =>
        [resolution.Program!, mode, "--write", "--no-errors-on-unmatched", "--files-ignore-unknown=true", .. paths.Count == 0 ? ["."] : paths];

    public override IReadOnlyList<int> AcceptableExitCodes(string mode) => mode == "format" ? [] : [1];
}
