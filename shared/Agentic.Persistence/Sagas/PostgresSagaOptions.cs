using System.Text.RegularExpressions;

namespace Agentic.Persistence.Sagas;

/// <summary>Where a saga's instances live: one table per state machine, shaped like <c>fix_workflow_sagas</c>.</summary>
public sealed partial class PostgresSagaOptions<TSaga>
    where TSaga : class
{
    public PostgresSagaOptions(string tableName)
    {
        if (!TableNamePattern().IsMatch(tableName))
        {
            throw new ArgumentException($"Saga table name '{tableName}' must be a lower-case SQL identifier (letters, digits, underscores).", nameof(tableName));
        }

        TableName = tableName;
    }

    public string TableName { get; }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex TableNamePattern();
}
