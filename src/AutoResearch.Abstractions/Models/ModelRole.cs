namespace AutoResearch.Abstractions.Models;

/// <summary>Who speaks in a chat message sent to a model.</summary>
public enum ModelRole
{
    System,
    User,
    Assistant,
}
