import Foundation

/// Which URLs a webhook may have (events.md "Registering a webhook"): HTTPS with a host, or —
/// only when the daemon runs with `--allow-insecure-webhooks` — plain HTTP to this machine
/// (127.0.0.1, ::1 or localhost), for tests and the demo.
public enum WebhookURL {
    /// The hosts plain HTTP may reach when insecure webhooks are allowed.
    public static let loopbackHosts: Set<String> = ["127.0.0.1", "localhost", "::1", "[::1]"]

    /// Why `text` cannot be a webhook URL, or nil when it can.
    public static func problem(_ text: String, allowInsecure: Bool) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else { return "\"\(text)\" is not an absolute URL with a host" }
        if components.user != nil || components.password != nil { return "a webhook URL cannot carry a user or password" }
        switch scheme {
        case "https":
            return nil
        case "http" where loopbackHosts.contains(host.lowercased()):
            return allowInsecure
                ? nil : "plain http:// is only allowed to 127.0.0.1 or localhost when the daemon runs with --allow-insecure-webhooks; use https://"
        case "http":
            return "webhook URLs must use https:// (plain http:// only to 127.0.0.1 or localhost with --allow-insecure-webhooks)"
        default:
            return "webhook URLs must use https://, not \(scheme)://"
        }
    }
}
