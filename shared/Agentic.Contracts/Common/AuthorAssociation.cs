namespace Agentic.Contracts.Common;

/// <summary>GitHub's author_association of a commenter, used by policy to decide who may command the agent.</summary>
public enum AuthorAssociation
{
    None = 0,
    FirstTimer = 1,
    FirstTimeContributor = 2,
    Mannequin = 3,
    Contributor = 4,
    Collaborator = 5,
    Member = 6,
    Owner = 7,
}
