namespace BulkData.AspNetCore;

/// <summary>The services a route needs for a resource, with a message naming the registration that is missing.</summary>
internal static class RegisteredServices
{
    /// <exception cref="BulkDataConfigurationException">The application registered no <typeparamref name="TService"/>.</exception>
    public static TService Get<TService>(IServiceProvider services)
        where TService : class =>
        services.GetService(typeof(TService)) as TService
            ?? throw new BulkDataConfigurationException(typeof(TService).Name, $"This application has no {typeof(TService).Name.Replace("`1", string.Empty, StringComparison.Ordinal)} registered for the resource.");
}
