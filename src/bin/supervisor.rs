//! The supervisor app's entry: review of the station's synced records, served under `/supervisor`.

use doorstep_app::SupervisorApp;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(SupervisorApp);
}
