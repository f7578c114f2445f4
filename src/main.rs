//! Doorstep's web app: the courier's doorstep companion, the recipient's consent page and the
//! supervisor's review, in one client-side-rendered Leptos app.

use doorstep_app::App;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
