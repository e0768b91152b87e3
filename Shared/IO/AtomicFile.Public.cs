// MnistBn.Shared publishes AtomicFile; the MnistBn.OnnxExport package compiles AtomicFile.cs without
// this file, so there the class is internal.
namespace MnistBn.Shared.IO;

public static partial class AtomicFile;
