namespace BulkData.Sinks;

/// <summary>
/// OWASP "CSV injection": a text cell starting with = + - @ tab or carriage return can run as a
/// formula when a spreadsheet opens the file. Sinks neutralise such text by default.
/// </summary>
internal static class FormulaGuard
{
    public static bool IsDangerous(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r';

    /// <summary>Prefixes dangerous text with an apostrophe, which spreadsheets show as text and do not evaluate.</summary>
    public static string Neutralize(string text) => IsDangerous(text) ? "'" + text : text;
}
