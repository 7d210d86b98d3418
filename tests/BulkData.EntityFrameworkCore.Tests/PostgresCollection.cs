namespace BulkData.Tests.Shared
{
    /// <summary>The server is the database tests' fixture: xunit starts it once and stops it after the last test.</summary>
    public sealed partial class PostgresServer : IAsyncLifetime;
}

namespace BulkData.EntityFrameworkCore.Tests
{
    [CollectionDefinition(Name)]
    public sealed class PostgresCollection : ICollectionFixture<BulkData.Tests.Shared.PostgresServer>
    {
        public const string Name = "PostgreSQL";
    }
}
