/// The version `parley --version` prints and `serve` logs at start. Raise it with each release;
/// the cache of the embedded Stdlib is named by it (and by its contents).
public enum ParleyVersion {
    public static let current = "0.13.0"
}
