//! The courier app's entry: sign-in, the doorstep companion and its offline queue.

use doorstep_app::CourierApp;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(CourierApp);
}
