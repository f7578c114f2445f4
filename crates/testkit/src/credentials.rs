//! The demo accounts' passwords, read from the banner the server prints at its first start.

/// The passwords of the demo station's accounts, as a newcomer reads them off the terminal.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub courier_password: String,
    pub supervisor_password: String,
}

/// Collects the `username: … password: …` lines of the start-up banner.
#[derive(Default)]
pub(crate) struct Banner {
    courier: Option<String>,
    supervisor: Option<String>,
}

impl Banner {
    /// Takes the password of a line naming the courier or the supervisor; other lines pass.
    pub(crate) fn read(&mut self, line: &str) {
        let mut words = line.split_whitespace();
        let (mut username, mut password) = (None, None);
        while let Some(word) = words.next() {
            match word {
                "username:" => username = words.next(),
                "password:" => password = words.next(),
                _ => {}
            }
        }
        let slot = match username {
            Some("courier") => &mut self.courier,
            Some("supervisor") => &mut self.supervisor,
            _ => return,
        };
        *slot = password.map(str::to_string);
    }

    /// Both passwords, or none: a start on an already seeded database prints no banner.
    pub(crate) fn credentials(self) -> Option<Credentials> {
        Some(Credentials {
            courier_password: self.courier?,
            supervisor_password: self.supervisor?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Banner;

    #[test]
    fn reads_both_passwords_of_the_banner() {
        let mut banner = Banner::default();
        for line in [
            "Created the demo station 长宁愚园路站 with these accounts (shown only now):",
            "  courier    username: courier    password: Kx7pQ2mna8Rt",
            "  supervisor username: supervisor password: m9ZwaaE4hcT3",
            "Doorstep is listening on http://127.0.0.1:8080",
        ] {
            banner.read(line);
        }
        let credentials = banner.credentials().expect("both passwords");
        assert_eq!(credentials.courier_password, "Kx7pQ2mna8Rt");
        assert_eq!(credentials.supervisor_password, "m9ZwaaE4hcT3");
    }

    #[test]
    fn a_start_without_banner_has_no_credentials() {
        let mut banner = Banner::default();
        banner.read("Doorstep is listening on http://127.0.0.1:8080");
        assert!(banner.credentials().is_none());
    }
}
