//! What an import would do (or did): the counts, the parcels per courier and every refused row
//! with its line, column and reason in the page's language.

use crate::i18n::{tr, use_lang, Key};
use doorstep_core::manifest::{ManifestPreview, RowProblem};
use leptos::prelude::*;

#[component]
pub fn PreviewReport(preview: ManifestPreview) -> impl IntoView {
    let heading = if preview.stored {
        Key::ImportStored
    } else {
        Key::ImportPreview
    };
    let counts = [
        (Key::RowsInFile, preview.rows, "rows"),
        (Key::ToAdd, preview.added, "added"),
        (Key::ToChange, preview.changed, "changed"),
        (Key::Unchanged, preview.unchanged, "unchanged"),
        (Key::KeptWithOutcome, preview.kept, "kept"),
        (Key::BadRows, preview.problem_count, "problems"),
    ];
    let listed = preview.problems.len();
    let total = preview.problem_count as usize;
    view! {
        <div class="preview" data-testid="import-preview" data-stored=preview.stored.to_string()>
            <h2>{tr(heading)}</h2>
            <ul class="counts preview__counts">
                {counts.into_iter().map(|(key, count, name)| view! {
                    <li data-count=name><span>{tr(key)}</span><strong>{count}</strong></li>
                }).collect_view()}
            </ul>
            <h3>{tr(Key::ParcelsPerCourier)}</h3>
            <div class="table-scroll" tabindex="0">
                <table class="table" data-testid="per-courier">
                    <thead><tr>
                        <th scope="col">{tr(Key::Courier)}</th>
                        <th scope="col">{tr(Key::ParcelCount)}</th>
                    </tr></thead>
                    <tbody>
                        {preview.per_courier.into_iter().map(|c| view! {
                            <tr><td>{c.courier}</td><td>{c.parcels}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <Show when=move || total != 0>
                <h3>{tr(Key::BadRows)}</h3>
            </Show>
            <Show when=move || listed < total>
                <p class="empty">{tr(Key::ProblemsListed)} {listed} / {total}</p>
            </Show>
            <ProblemTable problems=preview.problems/>
        </div>
    }
}

/// The refused rows, in file order; reasons follow the language switch.
#[component]
fn ProblemTable(problems: Vec<RowProblem>) -> impl IntoView {
    let lang = use_lang();
    (!problems.is_empty()).then(|| view! {
        <div class="table-scroll" tabindex="0">
            <table class="table" data-testid="bad-rows">
                <thead><tr>
                    <th scope="col">{tr(Key::Line)}</th>
                    <th scope="col">{tr(Key::Column)}</th>
                    <th scope="col">{tr(Key::Reason)}</th>
                </tr></thead>
                <tbody>
                    {problems.into_iter().map(|p| {
                        let (column, problem) = (p.column, p.problem);
                        view! {
                            <tr data-line=p.line>
                                <td>{p.line}</td>
                                <td>{move || column.map(|c| c.label(lang.get()))}</td>
                                <td class="table__wrap">{move || problem.message(lang.get())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    })
}
