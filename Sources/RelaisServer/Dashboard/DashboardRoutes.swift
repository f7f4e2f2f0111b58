import RelaisHTTP

/// The built-in dashboard under `/dashboard`: fleet overview, live visits, one visit's quality charts.
///
/// Like the demo, the files are compiled into the binary (`.embedInCode`), so there is no file layout, CDN or build
/// step. The pages themselves are public (they hold no data); everything they show comes from `/api/v1` with the
/// admin token the user types in, which stays in the tab's sessionStorage and is never placed in a page URL.
enum DashboardRoutes {
    static let files: [String: (body: [UInt8], type: String)] = [
        "dashboard.html": (PackageResources.dashboard_html, "text/html; charset=utf-8"),
        "dashboard.css": (PackageResources.dashboard_css, "text/css; charset=utf-8"),
        "dashboard.js": (PackageResources.dashboard_js, "text/javascript; charset=utf-8"),
    ]

    static func register(in router: inout Router<Route>) {
        // The router ignores empty segments: "/dashboard" and "/dashboard/" are one route (the page links absolutely).
        router.add("GET", "/dashboard", page("dashboard.html"))
        for name in files.keys { router.add("GET", "/dashboard/\(name)", page(name)) }
    }

    private static func page(_ name: String) -> Route {
        let file = files[name]!
        return .http { _, _ in
            var response = HTTPResponse(status: .ok, body: file.body, contentType: file.type)
            // no-store: an upgraded server must never be driven by a stale script.
            response.headers.set("Cache-Control", "no-store")
            response.headers.set("X-Content-Type-Options", "nosniff")
            // Own origin only, no inline script or style; 'self' covers the same-origin feed WebSocket (CSP 3).
            response.headers.set("Content-Security-Policy",
                                 "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
            response.headers.set("Referrer-Policy", "no-referrer")
            return response
        }
    }
}
