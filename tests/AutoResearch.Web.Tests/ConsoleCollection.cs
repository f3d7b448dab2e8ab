namespace AutoResearch.Web.Tests;

/// <summary>One console (one silo, one data folder) for every test class: starting a silo is the slow part.</summary>
[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFactory>
{
    public const string Name = "console";
}
