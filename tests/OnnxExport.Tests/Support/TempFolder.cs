// A fresh folder under the system temp folder, deleted with everything in it on Dispose.
namespace MnistBn.OnnxExport.Tests.Support;

internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("onnxexport-tests-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean up; a test result does not depend on it.
        }
    }
}
