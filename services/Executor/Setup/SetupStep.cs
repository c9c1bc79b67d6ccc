namespace Agentic.Executor.Setup;

/// <summary>
/// One command of the setup phase (installing dependencies), run in the sandbox with network only to the package
/// registries: detected per ecosystem (<c>npm ci</c>, <c>dotnet restore</c>, ...), declared in <c>.github/agentic.yml</c>,
/// or taken from the CI job's own install steps. <paramref name="WorkingDirectory"/> is relative to the workspace.
/// </summary>
public sealed record SetupStep(string Name, IReadOnlyList<string> Arguments, string WorkingDirectory, IReadOnlyDictionary<string, string> Environment);
