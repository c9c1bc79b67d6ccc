using System.Text.Json;
using System.Text.RegularExpressions;
using Agentic.Executor.Sandbox;

namespace Agentic.Executor.Commands.Fixers;

/// <summary>
/// What a repository declares it uses (package.json, pyproject.toml and requirements files, go.mod) and where the
/// programs are once its dependencies are set up. Read from the working copy (untrusted): only looked at, never run.
/// </summary>
public static partial class DeclaredTools
{
    private static readonly string[] DependencySections = ["devDependencies", "dependencies"];

    /// <summary>The root package.json lists <paramref name="package"/> in devDependencies or dependencies.</summary>
    public static bool PackageJsonDeclares(string workspace, string package)
    {
        var path = Path.Combine(workspace, "package.json");
        if (!File.Exists(path) || new FileInfo(path).Length > 1024 * 1024)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.ValueKind == JsonValueKind.Object && DependencySections.Any(section =>
                document.RootElement.TryGetProperty(section, out var dependencies) && dependencies.ValueKind == JsonValueKind.Object && dependencies.TryGetProperty(package, out _));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The package's program in <c>node_modules/.bin</c> (relative to the workspace), or null when it is not installed.</summary>
    public static string? NodeBinary(string workspace, string binary)
    {
        var relative = $"node_modules/.bin/{binary}";
        return File.Exists(Path.Combine(workspace, relative)) ? relative : null;
    }

    /// <summary>
    /// The Python project names <paramref name="tool"/>: a dependency in pyproject.toml (PEP 621, dependency groups,
    /// Poetry), a <c>[tool.X]</c> section, or a line of a requirements file (<c>requirements*.txt</c>, <c>requirements/*.txt</c>).
    /// </summary>
    public static bool PythonDeclares(string workspace, string tool)
    {
        var name = Regex.Escape(tool);
        var pyproject = Path.Combine(workspace, "pyproject.toml");
        if (ReadSmall(pyproject) is { } toml)
        {
            var section = new Regex($@"(?m)^\s*\[tool\.{name}(?:\]|\.)", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            var quoted = new Regex($@"[""']{name}(?:\[[\w,\s-]*\])?\s*(?:[<>=!~;@ ]|[""'])", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
            var poetry = new Regex($@"(?m)^\s*{name}\s*=", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
            if (section.IsMatch(toml) || quoted.IsMatch(toml) || poetry.IsMatch(toml))
            {
                return true;
            }
        }

        var requirement = new Regex($@"(?m)^\s*{name}(?:\[[\w,\s-]*\])?\s*(?:[<>=!~;#@]|$)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
        var files = Directory.EnumerateFiles(workspace, "requirements*.txt")
            .Concat(Directory.Exists(Path.Combine(workspace, "requirements")) ? Directory.EnumerateFiles(Path.Combine(workspace, "requirements"), "*.txt") : []);
        return files.Any(f => ReadSmall(f) is { } text && requirement.IsMatch(text));
    }

    /// <summary>
    /// A Python tool's program: the project's virtual environment (<c>.venv</c>, <c>venv</c>) first, then the machine's
    /// (what the sandbox sees on its PATH). Null when neither has it.
    /// </summary>
    public static string? PythonBinary(string workspace, string binary)
    {
        foreach (var environment in (string[])[".venv", "venv"])
        {
            var relative = $"{environment}/bin/{binary}";
            if (File.Exists(Path.Combine(workspace, relative)))
            {
                return relative;
            }
        }

        return OnSandboxPath(binary);
    }

    /// <summary>A program on the sandbox's PATH (the host's system folders it binds read-only), as an absolute path.</summary>
    public static string? OnSandboxPath(string program, params string[] alsoIn) =>
        SandboxRunner.SandboxPath.Split(':').Concat(alsoIn).Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);

    private static string? ReadSmall(string path) =>
        File.Exists(path) && new FileInfo(path).Length <= 512 * 1024 ? File.ReadAllText(path) : null;
}
