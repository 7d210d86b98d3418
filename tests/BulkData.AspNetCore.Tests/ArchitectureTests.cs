using BulkData.Tests.Shared;

namespace BulkData.AspNetCore.Tests;

/// <summary>Issue 24: the HTTP package reaches the resource a route names through its entry, on Core's public API.</summary>
public sealed class ArchitectureTests
{
    [Fact]
    public void Routes_ReachResourcesWithoutReflection() =>
        Assert.Empty(GenericDispatch.TypesMakingGenerics(typeof(BulkDataHttpOptions).Assembly));
}
