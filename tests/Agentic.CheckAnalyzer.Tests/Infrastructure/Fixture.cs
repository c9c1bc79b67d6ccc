namespace Agentic.CheckAnalyzer.Tests.Infrastructure;

internal static class Fixture
{
    public static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));
}
