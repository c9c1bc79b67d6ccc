namespace Agentic.AppHost.Hosting;

public abstract class Resource(string name) : IResource
{
    public string Name { get; } = name;

    public abstract string Type { get; }

    public IList<IResourceAnnotation> Annotations { get; } = [];

    public override string ToString() => $"{Type} {Name}";
}
