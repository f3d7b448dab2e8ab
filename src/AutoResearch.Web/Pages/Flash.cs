using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace AutoResearch.Web.Pages;

/// <summary>
/// The banner shown once after a redirect: <c>TempData["Message"]</c> for what was done (green), and with
/// <see cref="Error"/> for what was refused or could not be done (red, announced as an alert).
/// </summary>
public static class Flash
{
    public const string MessageKey = "Message";
    public const string KindKey = "MessageKind";
    public const string ErrorKind = "error";

    public static void Done(ITempDataDictionary tempData, string message) => tempData[MessageKey] = message;

    public static void Error(ITempDataDictionary tempData, string message)
    {
        tempData[MessageKey] = message;
        tempData[KindKey] = ErrorKind;
    }
}
