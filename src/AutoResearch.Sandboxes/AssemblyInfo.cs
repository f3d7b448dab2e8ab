using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("AutoResearch.Sandboxes.Tests")]
