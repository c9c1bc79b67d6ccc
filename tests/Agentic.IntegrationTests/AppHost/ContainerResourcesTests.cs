using System.Runtime.Versioning;
using Agentic.AppHost.Hosting;
using Agentic.IntegrationTests.Infrastructure;
using Agentic.ServiceDefaults;
using Agentic.Testing;
using Aspire.Hosting.ApplicationModel;

namespace Agentic.IntegrationTests.AppHost;

/// <summary>
/// Issue 12: "where a container runtime exists a user may choose the official container resources instead;
/// executables stay the default". This machine has no container runtime, so the model is checked, not run:
/// <c>--containers</c> declares Aspire's PostgreSQL and RabbitMQ containers (data in volumes) under the same names the
/// services' connection strings use, and without it the machine's own binaries run.
/// </summary>
[NonParallelizable]
[SupportedOSPlatform("linux")]
public sealed class ContainerResourcesTests
{
    [Test]
    public async Task Should_declare_aspires_postgres_and_rabbitmq_containers_with_data_volumes_under_the_same_names_with_containers()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var resources = await InProcessAppHost.ModelAsync(StateFolder(), ["--containers"], timeout.Token);

        var postgres = resources.OfType<PostgresServerResource>().Single();
        var rabbitMq = resources.OfType<RabbitMQServerResource>().Single();
        Assert.Multiple(() =>
        {
            Assert.That(postgres.Name, Is.EqualTo(ResourceNames.Postgres));
            Assert.That(resources.OfType<PostgresDatabaseResource>().Single().Name, Is.EqualTo(ResourceNames.Database), "the services' ConnectionStrings__agentic");
            Assert.That(rabbitMq.Name, Is.EqualTo(ResourceNames.Messaging), "the services' ConnectionStrings__messaging");
            Assert.That(Image(postgres), Does.EndWith("postgres"));
            Assert.That(Image(rabbitMq), Does.EndWith("rabbitmq"));
            Assert.That(postgres.Annotations.OfType<ContainerMountAnnotation>().Select(mount => mount.Type), Has.Some.EqualTo(ContainerMountType.Volume), "data kept between runs");
            Assert.That(rabbitMq.Annotations.OfType<ContainerMountAnnotation>().Select(mount => mount.Type), Has.Some.EqualTo(ContainerMountType.Volume), "data kept between runs");
            Assert.That(postgres.PasswordParameter?.Name, Is.EqualTo(LocalSecrets.PostgresPassword), "this installation's password, not a published default");
            Assert.That(rabbitMq.PasswordParameter.Name, Is.EqualTo(LocalSecrets.RabbitMqPassword), "this installation's password, not a published default");
            Assert.That(resources.OfType<LocalPostgresResource>(), Is.Empty);
            Assert.That(resources.OfType<LocalRabbitMqResource>(), Is.Empty);
        });
    }

    [Test]
    public async Task Should_run_postgres_and_rabbitmq_from_this_machines_binaries_by_default()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var resources = await InProcessAppHost.ModelAsync(StateFolder(), [], timeout.Token);

        Assert.Multiple(() =>
        {
            Assert.That(resources.OfType<LocalPostgresResource>().Single().Name, Is.EqualTo(ResourceNames.Postgres));
            Assert.That(resources.OfType<LocalRabbitMqResource>().Single().Name, Is.EqualTo(ResourceNames.Messaging));
            Assert.That(resources.OfType<ContainerResource>(), Is.Empty);
        });
    }

    private static string Image(IResource resource) => resource.Annotations.OfType<ContainerImageAnnotation>().Single().Image;

    private static string StateFolder() => Path.Combine(TestEnvironment.Root, $"apphost-model-{Guid.NewGuid():N}");
}
