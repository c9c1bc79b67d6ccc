namespace Agentic.AppHost.Orchestration;

/// <summary>Writes a child's lines to the console as <c>[name] line</c> (name coloured on a terminal) and keeps them for the dashboard.</summary>
public sealed class ResourceOutput(ResourceStateStore store)
{
    private static readonly string[] Colours = ["36", "32", "33", "35", "34", "96", "92", "93", "95", "94", "91"];
    private static readonly bool UseColour =
        !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    private readonly Dictionary<string, string> _prefixes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public Action<string> For(string resourceName)
    {
        var prefix = Prefix(resourceName);
        return line =>
        {
            store.AppendLog(resourceName, line);
            Console.Out.WriteLine(prefix + line);
        };
    }

    private string Prefix(string name)
    {
        lock (_gate)
        {
            if (!_prefixes.TryGetValue(name, out var prefix))
            {
                prefix = UseColour ? $"\u001b[{Colours[_prefixes.Count % Colours.Length]}m[{name}]\u001b[0m " : $"[{name}] ";
                _prefixes[name] = prefix;
            }

            return prefix;
        }
    }
}
