//! UI text in Simplified Chinese (default) and English. Keys are an enum, so a missing
//! translation is a compile error, not a blank label.

use doorstep_core::{Lang, OutcomeKind};
use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    AppName,
    SwitchLanguage,
    SignIn,
    SignOut,
    Username,
    Password,
    SigningIn,
    NetworkError,
    Waybill,
    WaybillHint,
    Carrier,
    ChooseCarrier,
    Method,
    Door,
    Locker,
    Station,
    LockerBank,
    LockerCompartment,
    StationName,
    ConsentTitle,
    ConsentChannel,
    InPerson,
    PhoneCall,
    ConsentAgreed,
    FreeHours,
    OvertimeFee,
    Save,
    Saved,
    Queued,
    Synced,
    NeedsAttention,
    SyncNow,
    Syncing,
    QueuedCount,
    OldestQueued,
    Offline,
    TodayRecords,
    NoRecords,
    Records,
    LoadMore,
    CapturedAt,
    ReceivedAt,
    Courier,
    Outcome,
    StoragePersistent,
    StorageBestEffort,
    NewVersion,
    Reload,
    NotFound,
    NotAllowedHere,
    Install,
    SupervisorNote,
    Scan,
    Close,
    CameraUnavailable,
    Recipient,
    RecipientName,
    Phone,
    Compound,
    Building,
    Unit,
    Room,
    ShownAs,
    ParcelFlags,
    Bulky,
    Fresh,
    Fragile,
    CashOnDelivery,
    CallFirst,
    CalledRecipient,
    CalledAt,
    StandingPreference,
    UsePreference,
    WithdrawPreference,
    RememberPreference,
    RecipientRefused,
    RefusedNote,
    FromPreference,
    OutcomeNone,
    DeliveredToRecipient,
    DeliveredToProxy,
    PlacedInLocker,
    LeftAtStation,
    FailedAttempt,
    RefusedParcel,
    ProxyName,
    Reason,
    InspectionReminder,
    Edit,
    SameAddress,
    SearchTail,
    Draft,
    EditingRevision,
    NewParcel,
    Attempts,
    AnyOption,
    Flag,
    DateFrom,
    DateTo,
    ApplyFilters,
    ClearFilters,
    Revisions,
    Revision,
    RevisedAt,
    SupervisorNotes,
    NoteText,
    ReviewFlag,
    NoReview,
    AddNote,
    Reviewed,
    NotReviewed,
    NoFlags,
    ConsentEvidence,
    GivenAt,
    NoConsent,
    RecipientLink,
    Dashboard,
    PerDay,
    PerFlag,
    PerCourier,
    RecordCount,
    Flagged,
    ComplianceRate,
    Kind,
    KindDelivery,
    KindPickup,
    Sender,
    PickedUp,
    TariffTitle,
    TariffVersion,
    SampleFigures,
    TariffUpdated,
    TariffOutdated,
    Service,
    ChooseService,
    Destination,
    ChooseDestination,
    WeightKg,
    LengthCm,
    WidthCm,
    HeightCm,
    DimensionsInvalid,
    ChargeableWeight,
    Freight,
    ShowScript,
    ShowScriptAgain,
    ScriptTitle,
    InsureQuestion,
    Insured,
    NotInsured,
    DeclaredValue,
    Premium,
    Total,
    TariffRecorded,
    TariffTables,
    UploadTariffs,
    TariffJson,
    UseCurrentAsTemplate,
    Uploaded,
    EffectiveFrom,
    BuiltIn,
    AskByLink,
    LinkUnavailable,
    PickupCode,
    LinkPending,
    ShowLink,
    HideLink,
    ShareLink,
    RevokeLink,
    LinkQrLabel,
    ConfirmedByLink,
    DoorByLink,
    ApplyAnswer,
    RecipientComplaint,
    Complaints,
    Resolve,
    ResolutionReason,
    NoComplaints,
    Devices,
    LastSync,
    AppVersion,
    AtRisk,
    NoDevices,
    ShowFullData,
    FullDataWarning,
    ExportCsv,
    ExportFull,
    UnsyncedWipeWarning,
}

impl Key {
    pub fn text(self, lang: Lang) -> &'static str {
        use Key::*;
        let (zh, en) = match self {
            AppName => ("门口", "Doorstep"),
            SwitchLanguage => ("English", "中文"),
            SignIn => ("登录", "Sign in"),
            SignOut => ("退出登录", "Sign out"),
            Username => ("用户名", "Username"),
            Password => ("密码", "Password"),
            SigningIn => ("正在登录…", "Signing in…"),
            NetworkError => (
                "无法连接服务器，请稍后再试",
                "Cannot reach the server; try again later",
            ),
            Waybill => ("运单号", "Waybill number"),
            WaybillHint => ("输入或扫描运单号", "Type or scan the waybill number"),
            Carrier => ("快递公司", "Carrier"),
            ChooseCarrier => ("请选择快递公司", "Choose the carrier"),
            Method => ("投递方式", "Delivery method"),
            Door => ("送货上门", "Door"),
            Locker => ("智能快件箱", "Smart locker"),
            Station => ("驿站", "Station"),
            LockerBank => ("柜号", "Locker bank"),
            LockerCompartment => ("格口号", "Compartment"),
            StationName => ("驿站名称", "Station"),
            ConsentTitle => ("收件人同意", "Recipient's consent"),
            ConsentChannel => ("同意方式", "How they agreed"),
            InPerson => ("当面同意", "In person"),
            PhoneCall => ("电话同意", "By phone"),
            ConsentAgreed => ("收件人已同意投递到此处", "The recipient agreed to this"),
            FreeHours => ("免费保管（小时）", "Free storage (hours)"),
            OvertimeFee => ("超时费（元）", "Overtime fee (yuan)"),
            Save => ("保存", "Save"),
            Saved => ("已保存到本机", "Saved on this device"),
            Queued => ("待同步", "Queued"),
            Synced => ("已同步", "Synced"),
            NeedsAttention => ("需处理", "Needs attention"),
            SyncNow => ("立即同步", "Sync now"),
            Syncing => ("同步中…", "Syncing…"),
            QueuedCount => ("待同步", "Queued"),
            OldestQueued => ("最早", "oldest"),
            Offline => ("离线", "Offline"),
            TodayRecords => ("今日记录", "Today's records"),
            NoRecords => ("暂无记录", "No records yet"),
            Records => ("投递记录", "Delivery records"),
            LoadMore => ("加载更多", "Load more"),
            CapturedAt => ("记录时间（设备）", "Captured (device)"),
            ReceivedAt => ("接收时间（服务器）", "Received (server)"),
            Courier => ("快递员", "Courier"),
            Outcome => ("结果", "Outcome"),
            StoragePersistent => ("本机存储：持久", "Device storage: persistent"),
            StorageBestEffort => ("本机存储：可能被清理", "Device storage: may be cleared"),
            NewVersion => ("有新版本", "New version available"),
            Reload => ("重新加载", "Reload"),
            NotFound => ("页面不存在", "Page not found"),
            NotAllowedHere => ("此账号无权访问该页面", "This account cannot open this page"),
            Install => ("安装到主屏幕", "Add to home screen"),
            SupervisorNote => ("站长备注", "Supervisor's note"),
            Scan => ("扫码", "Scan"),
            Close => ("关闭", "Close"),
            CameraUnavailable => (
                "无法打开摄像头，请手动输入",
                "The camera is unavailable; type the number",
            ),
            Recipient => ("收件人", "Recipient"),
            RecipientName => ("姓名（可不填）", "Name (optional)"),
            Phone => ("手机号", "Mobile number"),
            Compound => ("小区/路弄", "Compound / street"),
            Building => ("楼号", "Building"),
            Unit => ("单元", "Unit"),
            Room => ("室号", "Room"),
            ShownAs => ("显示为", "Shown as"),
            ParcelFlags => ("快件情况", "Parcel"),
            Bulky => ("大件/重件", "Bulky or heavy"),
            Fresh => ("生鲜", "Fresh food"),
            Fragile => ("易碎/贵重", "Fragile or valuable"),
            CashOnDelivery => ("到付", "Cash on delivery"),
            CallFirst => (
                "大件、重件或生鲜：请先电话联系收件人，建议送货上门",
                "Bulky, heavy or fresh: call the recipient first; the door is proposed",
            ),
            CalledRecipient => ("已致电收件人", "I called the recipient"),
            CalledAt => ("已致电", "Called at"),
            StandingPreference => ("长期偏好", "Standing preference"),
            UsePreference => ("采用", "Use it"),
            WithdrawPreference => ("收件人撤回", "Recipient withdrew it"),
            RememberPreference => (
                "记住收件人的选择，下次自动建议",
                "Remember this choice for future parcels",
            ),
            RecipientRefused => (
                "收件人拒绝，改为送货上门",
                "Recipient refused: deliver to the door",
            ),
            RefusedNote => (
                "收件人已拒绝快件箱/驿站，本件送货上门",
                "The recipient refused the locker/station; this parcel goes to the door",
            ),
            FromPreference => ("依据长期偏好", "From the standing preference"),
            OutcomeNone => ("尚未交付", "Not handed over yet"),
            DeliveredToRecipient => ("已当面交给收件人", "Handed to the recipient"),
            DeliveredToProxy => (
                "交给收件人指定的代收人",
                "Handed to the recipient's named proxy",
            ),
            PlacedInLocker => ("已放入快件箱", "Placed in the locker"),
            LeftAtStation => ("已放驿站", "Left at the station"),
            FailedAttempt => ("投递未成功", "Failed attempt"),
            RefusedParcel => ("收件人拒收", "Refused by the recipient"),
            ProxyName => ("代收人", "Proxy"),
            Reason => ("原因", "Reason"),
            Kind => ("类型", "Type"),
            KindDelivery => ("派送", "Delivery"),
            KindPickup => ("揽收", "Pickup"),
            Sender => ("寄件人", "Sender"),
            PickedUp => ("已揽收", "Collected from the sender"),
            TariffTitle => ("资费与保价", "Tariff and insurance"),
            TariffVersion => ("资费表", "Tariff table"),
            SampleFigures => (
                "示例数据，非快递公司正式价格",
                "sample figures, not a carrier's published prices",
            ),
            TariffUpdated => (
                "已从服务器获取新版资费表",
                "A newer tariff table came from the server",
            ),
            TariffOutdated => (
                "话术所依据的资费表已更新，请重新宣读",
                "The script was read from an older tariff table: read it again",
            ),
            Service => ("服务类型", "Service"),
            ChooseService => ("选择服务", "Choose a service"),
            Destination => ("目的地", "Destination"),
            ChooseDestination => ("选择目的地", "Choose a destination"),
            WeightKg => ("实际重量（公斤）", "Actual weight (kg)"),
            LengthCm => ("长（厘米）", "Length (cm)"),
            WidthCm => ("宽（厘米）", "Width (cm)"),
            HeightCm => ("高（厘米）", "Height (cm)"),
            DimensionsInvalid => (
                "长宽高请都填写整数厘米，或都不填",
                "Enter all three sides in whole cm, or none",
            ),
            ChargeableWeight => ("计费重量", "Chargeable weight"),
            Freight => ("运费", "Freight"),
            ShowScript => ("宣读资费与保价话术", "Read the tariff and insurance script"),
            ShowScriptAgain => ("重新宣读话术", "Read the script again"),
            ScriptTitle => ("请向客户宣读", "Read this to the customer"),
            InsureQuestion => ("客户是否保价？", "Does the customer insure the parcel?"),
            Insured => ("保价", "Insured"),
            NotInsured => ("不保价", "Not insured"),
            DeclaredValue => ("声明价值（元）", "Declared value (yuan)"),
            Premium => ("保价费", "Premium"),
            Total => ("合计", "Total"),
            TariffRecorded => ("已宣读并记录", "Script read and recorded"),
            TariffTables => ("资费表", "Tariff tables"),
            UploadTariffs => ("上传新版本", "Upload a new version"),
            TariffJson => (
                "资费表 JSON（在当前版本基础上修改，并改版本号）",
                "Tariff table JSON (edit the current one and give it a new version)",
            ),
            UseCurrentAsTemplate => ("以当前版本为模板", "Start from the current version"),
            Uploaded => ("已上传", "Uploaded"),
            EffectiveFrom => ("生效日期", "Effective from"),
            BuiltIn => ("内置", "Built in"),
            AskByLink => (
                "发送链接，请收件人自己确认",
                "Send a link: the recipient decides",
            ),
            LinkUnavailable => (
                "此浏览器无法生成安全链接",
                "This browser cannot make a secure link",
            ),
            PickupCode => ("取件码", "Pickup code"),
            LinkPending => (
                "确认链接将在同步后生效",
                "The link works once this record has synced",
            ),
            ShowLink => ("显示二维码", "Show the QR code"),
            HideLink => ("收起二维码", "Hide the QR code"),
            ShareLink => ("发送给收件人", "Send to the recipient"),
            RevokeLink => ("撤销链接", "Revoke the link"),
            LinkQrLabel => (
                "收件人扫码确认投递方式",
                "Recipient scans to choose the delivery",
            ),
            ConfirmedByLink => (
                "收件人已通过链接确认",
                "Confirmed by the recipient via link",
            ),
            DoorByLink => ("收件人要求送货上门", "The recipient asks for the door"),
            ApplyAnswer => ("按收件人的选择修改", "Use the recipient's answer"),
            RecipientComplaint => ("收件人投诉", "Recipient complaint"),
            Complaints => ("投诉", "Complaints"),
            Resolve => ("处理完毕", "Resolve"),
            ResolutionReason => ("处理说明", "What was done"),
            NoComplaints => ("暂无待处理的投诉", "No open complaints"),
            Devices => ("设备", "Devices"),
            LastSync => ("最近同步", "Last sync"),
            AppVersion => ("版本", "Version"),
            AtRisk => (
                "数据有风险：长时间未同步且有未上传记录",
                "At risk: silent while holding unsynced records",
            ),
            NoDevices => ("还没有设备同步过", "No device has synced yet"),
            ShowFullData => ("查看完整个人信息", "Show full personal data"),
            FullDataWarning => ("完整个人信息仅在必要时查看，本次查看将记入审计日志。继续？", "Full personal data is for when it is needed; this will be recorded in the audit trail. Continue?"),
            ExportCsv => ("导出 CSV（已脱敏）", "Export CSV (masked)"),
            ExportFull => ("导出完整数据", "Export with full data"),
            UnsyncedWipeWarning => ("条记录尚未同步。退出将删除本机上的全部记录，且无法恢复。仍要退出吗？", "records are not synced yet. Signing out deletes every record on this device for good. Sign out anyway?"),
            InspectionReminder => (
                "收件人可当面验视内件",
                "The recipient may inspect the contents",
            ),
            Edit => ("修改", "Edit"),
            SameAddress => ("同地址再录一件", "Another parcel here"),
            SearchTail => ("按运单尾号查找", "Search by the waybill's last digits"),
            Draft => ("草稿", "Draft"),
            EditingRevision => (
                "正在修改，保存为新版本",
                "Editing: saving makes a new revision",
            ),
            NewParcel => ("新快件", "New parcel"),
            Attempts => ("次未成功", "failed attempts"),
            AnyOption => ("全部", "All"),
            Flag => ("合规提示", "Compliance flag"),
            DateFrom => ("记录日期从", "Captured from"),
            DateTo => ("记录日期至", "Captured to"),
            ApplyFilters => ("筛选", "Apply"),
            ClearFilters => ("清除", "Clear"),
            Revisions => ("版本记录", "Revisions"),
            Revision => ("版本", "Revision"),
            RevisedAt => ("保存时间（设备）", "Saved (device)"),
            SupervisorNotes => ("主管备注", "Supervisor notes"),
            NoteText => ("备注内容 / 复核理由", "Note / review reason"),
            ReviewFlag => ("同时标记为已复核", "Also mark reviewed"),
            NoReview => ("不标记", "Don't mark"),
            AddNote => ("提交备注", "Add note"),
            Reviewed => ("已复核", "Reviewed"),
            NotReviewed => ("待复核", "To review"),
            NoFlags => ("无合规提示", "No flags"),
            ConsentEvidence => ("同意凭据", "Consent evidence"),
            GivenAt => ("同意时间（设备）", "Given (device)"),
            NoConsent => ("无同意记录", "No consent recorded"),
            RecipientLink => ("收件人链接确认", "Recipient's link"),
            Dashboard => ("统计", "Dashboard"),
            PerDay => ("每日记录与合规率", "Records and compliance per day"),
            PerFlag => ("各类合规提示", "Flags"),
            PerCourier => ("各快递员", "Per courier"),
            RecordCount => ("记录数", "Records"),
            Flagged => ("有提示", "Flagged"),
            ComplianceRate => ("合规率", "Compliance rate"),
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// Outcome codes in the order the courier's form offers them.
/// The label of an outcome.
pub fn outcome_key(outcome: OutcomeKind) -> Key {
    match outcome {
        OutcomeKind::PickedUp => Key::PickedUp,
        OutcomeKind::DeliveredToRecipient => Key::DeliveredToRecipient,
        OutcomeKind::DeliveredToProxy => Key::DeliveredToProxy,
        OutcomeKind::PlacedInLocker => Key::PlacedInLocker,
        OutcomeKind::LeftAtStation => Key::LeftAtStation,
        OutcomeKind::FailedAttempt => Key::FailedAttempt,
        OutcomeKind::Refused => Key::RefusedParcel,
    }
}

/// The label of an outcome code; unknown codes show as they are.
pub fn outcome_label(code: &str, lang: Lang) -> String {
    match OutcomeKind::from_code(code) {
        Some(outcome) => outcome_key(outcome).text(lang).to_string(),
        None => code.to_string(),
    }
}

/// The label of a consent channel.
pub fn channel_key(channel: doorstep_core::ConsentChannel) -> Key {
    use doorstep_core::ConsentChannel::*;
    match channel {
        InPerson => Key::InPerson,
        PhoneCall => Key::PhoneCall,
        RecipientLink => Key::RecipientLink,
        StandingPreference => Key::StandingPreference,
    }
}

/// The UI language, provided at the app's root.
#[derive(Clone, Copy)]
pub struct Language(pub RwSignal<Lang>);

const STORAGE_KEY: &str = "doorstep.lang";

impl Language {
    /// The stored choice, or Chinese.
    pub fn load() -> Language {
        let stored = crate::session::local_storage()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .map(|tag| Lang::from_tag(&tag))
            .unwrap_or_default();
        Language(RwSignal::new(stored))
    }

    pub fn toggle(self) {
        let next = match self.0.get_untracked() {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        };
        self.0.set(next);
        if let Some(storage) = crate::session::local_storage() {
            let _ = storage.set_item(STORAGE_KEY, next.tag());
        }
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", next.tag());
        }
    }
}

/// The current language from context.
pub fn use_lang() -> RwSignal<Lang> {
    expect_context::<Language>().0
}

/// A reactive label: `{tr(Key::Save)}` in a view follows the language switch.
pub fn tr(key: Key) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = use_lang();
    move || key.text(lang.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_differ_for_every_sentence() {
        for key in [
            Key::Save,
            Key::Queued,
            Key::Synced,
            Key::Locker,
            Key::ConsentAgreed,
        ] {
            assert_ne!(key.text(Lang::Zh), key.text(Lang::En));
        }
    }
}
