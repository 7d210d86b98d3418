namespace BulkData.AspNetCore;

/// <summary>One resource of a package preview.</summary>
/// <param name="Name">Its name in the package.</param>
/// <param name="Resource">The registered resource it goes to.</param>
/// <param name="New">Rows that would be created.</param>
/// <param name="Updated">Rows that would update a record.</param>
/// <param name="Unchanged">Rows whose record already holds their values.</param>
/// <param name="Failing">Rows with errors.</param>
/// <param name="Unresolved">References and attachments that resolve neither in the package nor in the database.</param>
public sealed record PackageResourceView(string Name, string Resource, long New, long Updated, long Unchanged, long Failing, long Unresolved);
