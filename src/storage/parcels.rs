//! The day's parcels on this device (the route), as the change feed delivered them: sealed with
//! the device key as one value, since the route is always read whole and it holds every
//! recipient's phone number, which the device keeps only to dial it.

use super::db::{from_js, to_js, StorageError, PARCELS};
use super::seal::{Sealed, Sealer};
use doorstep_core::day::Day;
use doorstep_core::manifest::RouteParcel;
use doorstep_core::sync::Change;
use idb::{Database, TransactionMode};
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use wasm_bindgen::JsValue;

const ROUTE_ID: &str = "route";

#[derive(Serialize, Deserialize)]
struct StoredRoute {
    id: String,
    sealed: Sealed,
}

/// The route in IndexedDB.
#[derive(Clone)]
pub struct ParcelStore {
    db: Rc<Database>,
    sealer: Sealer,
}

impl ParcelStore {
    pub fn new(db: Rc<Database>, sealer: Sealer) -> ParcelStore {
        ParcelStore { db, sealer }
    }

    /// Every parcel on the device, opened.
    pub async fn all(&self) -> Result<Vec<RouteParcel>, StorageError> {
        let tx = self.db.transaction(&[PARCELS], TransactionMode::ReadOnly)?;
        let value = tx
            .object_store(PARCELS)?
            .get(JsValue::from_str(ROUTE_ID))?
            .await?;
        let Some(value) = value else {
            return Ok(Vec::new());
        };
        let stored: StoredRoute = from_js(value)?;
        self.sealer.open_sealed(&stored.sealed).await
    }

    /// Seals and stores the whole route; resolves once committed.
    async fn put(&self, parcels: &[RouteParcel]) -> Result<(), StorageError> {
        let stored = StoredRoute {
            id: ROUTE_ID.into(),
            sealed: self.sealer.seal(&parcels).await?,
        };
        let tx = self
            .db
            .transaction(&[PARCELS], TransactionMode::ReadWrite)?;
        tx.object_store(PARCELS)?
            .put(&to_js(&stored)?, None)?
            .await?;
        if !tx.commit()?.await?.is_committed() {
            return Err(StorageError("the route was not saved".into()));
        }
        Ok(())
    }

    /// Applies the parcel changes of a sync answer: an assigned parcel is added or replaces the
    /// one with its waybill, a withdrawn one leaves. Applying them twice changes nothing.
    pub async fn apply_changes(&self, changes: &[Change]) -> Result<(), StorageError> {
        let about_parcels = |c: &Change| {
            matches!(
                c,
                Change::ParcelAssigned { .. } | Change::ParcelWithdrawn { .. }
            )
        };
        if !changes.iter().any(about_parcels) {
            return Ok(());
        }
        let mut parcels = self.all().await?;
        for change in changes {
            match change {
                Change::ParcelAssigned { parcel } => {
                    match parcels
                        .iter_mut()
                        .find(|p| p.parcel.waybill == parcel.parcel.waybill)
                    {
                        Some(known) => *known = parcel.clone(),
                        None => parcels.push(parcel.clone()),
                    }
                }
                Change::ParcelWithdrawn { waybill } => {
                    parcels.retain(|p| p.parcel.waybill != *waybill)
                }
                Change::SupervisorNote { .. }
                | Change::RecipientDecision { .. }
                | Change::Complaint { .. }
                | Change::StandingPreference { .. } => {}
            }
        }
        self.put(&parcels).await
    }

    /// Forgets the personal data of the parcels named (their record is acknowledged), and drops
    /// the parcels of days before `today`; says whether anything changed.
    pub async fn forget(&self, done: &[String], today: Day) -> Result<bool, StorageError> {
        let mut parcels = self.all().await?;
        let before = parcels.len();
        parcels.retain(|p| p.day >= today);
        let mut changed = parcels.len() != before;
        for parcel in &mut parcels {
            let recipient = &mut parcel.parcel.recipient;
            let forgettable = !recipient.phone.is_empty()
                && done.iter().any(|w| w == parcel.parcel.waybill.as_str());
            if forgettable {
                recipient.phone.clear();
                recipient.name = None;
                recipient.address.room.clear();
                parcel.parcel.extension = None;
                changed = true;
            }
        }
        if changed {
            self.put(&parcels).await?;
        }
        Ok(changed)
    }
}
