namespace Agentic.Executor.Commands;

/// <summary>The commands the executor knows, by name; anything else is refused.</summary>
public sealed class CommandLibrary(IEnumerable<ILibraryCommand> commands)
{
    private readonly Dictionary<string, ILibraryCommand> _commands = commands.ToDictionary(c => c.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names => _commands.Keys;

    public ILibraryCommand? Find(string name) => _commands.GetValueOrDefault(name);
}
