import RelaisHTTP

/// The demo visit under `/demo`: a clinician page and a patient page built on the reference client `relais.js`.
///
/// The files are compiled into the binary (`.embedInCode` resources, `PackageResources`), so a deployed `relais`
/// serves them without a file system layout, CDN or build step. `Cache-Control: no-store` because the pages carry
/// join tokens in their URL and an upgraded server must never be answered with a stale client.
enum DemoRoutes {
    /// URL path under `/demo/` → (bytes, Content-Type).
    static let files: [String: (body: [UInt8], type: String)] = [
        "index.html": (PackageResources.index_html, "text/html; charset=utf-8"),
        "clinician.html": (PackageResources.clinician_html, "text/html; charset=utf-8"),
        "patient.html": (PackageResources.patient_html, "text/html; charset=utf-8"),
        "demo.css": (PackageResources.demo_css, "text/css; charset=utf-8"),
        "demo.js": (PackageResources.demo_js, "text/javascript; charset=utf-8"),
        "relais.js": (PackageResources.relais_js, "text/javascript; charset=utf-8"),
    ]

    static func register(in router: inout Router<Route>) {
        // The router ignores empty segments, so "/demo" and "/demo/" are the same route: the pages link with
        // absolute paths, which resolve the same from both.
        router.add("GET", "/demo", page("index.html"))
        for name in files.keys {
            router.add("GET", "/demo/\(name)", page(name))
        }
    }

    private static func page(_ name: String) -> Route {
        let file = files[name]!
        return .http { _, _ in
            var response = HTTPResponse(status: .ok, body: file.body, contentType: file.type)
            response.headers.set("Cache-Control", "no-store")
            response.headers.set("X-Content-Type-Options", "nosniff")
            // The pages only talk to their own origin (the WebSocket included) and load nothing from elsewhere.
            response.headers.set("Content-Security-Policy",
                                 "default-src 'self'; connect-src 'self' ws: wss:; media-src 'self' blob: mediastream:; img-src 'self' data:")
            response.headers.set("Referrer-Policy", "no-referrer")
            return response
        }
    }
}
