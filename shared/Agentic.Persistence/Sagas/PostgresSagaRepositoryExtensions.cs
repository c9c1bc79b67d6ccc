using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Agentic.Persistence.Sagas;

public static class PostgresSagaRepositoryExtensions
{
    /// <summary>Persists this saga's instances in <paramref name="tableName"/> (see <see cref="PostgresSagaRepositoryContextFactory{TSaga}"/>).</summary>
    public static ISagaRegistrationConfigurator<TSaga> PostgresRepository<TSaga>(this ISagaRegistrationConfigurator<TSaga> configurator, string tableName)
        where TSaga : class, ISaga
    {
        var options = new PostgresSagaOptions<TSaga>(tableName);
        configurator.Repository(repository =>
        {
            repository.TryAddSingleton(options);
            repository.RegisterLoadSagaRepository<TSaga, PostgresSagaRepositoryContextFactory<TSaga>>();
            repository.RegisterQuerySagaRepository<TSaga, PostgresSagaRepositoryContextFactory<TSaga>>();
            repository.RegisterSagaRepository<TSaga, PostgresSagaDatabaseContext<TSaga>,
                SagaConsumeContextFactory<PostgresSagaDatabaseContext<TSaga>, TSaga>, PostgresSagaRepositoryContextFactory<TSaga>>();
        });
        return configurator;
    }
}
