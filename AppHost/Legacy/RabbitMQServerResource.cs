namespace Agentic.AppHost.Hosting;

public sealed class RabbitMQServerResource(string name) : Resource(name), IResourceWithConnectionString
{
    public override string Type => "rabbitmq";

    public string? ConnectionString { get; internal set; }
}
