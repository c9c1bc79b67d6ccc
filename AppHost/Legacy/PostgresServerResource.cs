namespace Agentic.AppHost.Hosting;

public sealed class PostgresServerResource(string name) : Resource(name), IResourceWithConnectionString
{
    public override string Type => "postgres";

    public string? ConnectionString { get; internal set; }

    public IList<PostgresDatabaseResource> Databases { get; } = [];
}
