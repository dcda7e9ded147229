//! What both benchmark servers do at start: listen on the address given as
//! the first argument (or `default`), say so on standard output, serve `app`.

use axum::Router;

/// Serves `app` until the process is stopped; `name` prefixes the line that
/// says where.
pub(crate) fn serve(name: &str, default: &str, app: Router) {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| default.to_owned());
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            std::process::exit(1);
        }
    };
    runtime.block_on(async {
        let listener = match tokio::net::TcpListener::bind(&address).await {
            Ok(listener) => listener,
            Err(error) => {
                eprintln!("error: cannot listen on {address}: {error}");
                std::process::exit(1);
            }
        };
        println!("{name}: listening on http://{address}");
        if let Err(error) = axum::serve(listener, app).await {
            eprintln!("error: {error}");
        }
    });
}
