//! Where an admission stands in its billing life (在院 → 出院医嘱 → 费用已审核 → 已结算), derived
//! from the events that happened to it rather than stored and overwritten.

use thiserror::Error;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum AdmissionState {
    #[default]
    InHospital,
    DischargeOrdered,
    FeesAudited,
    Settled,
}

impl AdmissionState {
    pub fn code(self) -> &'static str {
        match self {
            AdmissionState::InHospital => "in_hospital",
            AdmissionState::DischargeOrdered => "discharge_ordered",
            AdmissionState::FeesAudited => "fees_audited",
            AdmissionState::Settled => "settled",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            AdmissionState::InHospital => "在院",
            AdmissionState::DischargeOrdered => "出院医嘱",
            AdmissionState::FeesAudited => "费用已审核",
            AdmissionState::Settled => "已结算",
        }
    }
}

/// Something that happened to an admission and changed its state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AdmissionEvent {
    DischargeOrdered,
    DischargeOrderCancelled,
    AuditPassed,
    AuditReturned,
    Settled,
    SettlementRecalled,
    DischargeRecalled,
}

impl AdmissionEvent {
    pub const ALL: [AdmissionEvent; 7] = [
        AdmissionEvent::DischargeOrdered,
        AdmissionEvent::DischargeOrderCancelled,
        AdmissionEvent::AuditPassed,
        AdmissionEvent::AuditReturned,
        AdmissionEvent::Settled,
        AdmissionEvent::SettlementRecalled,
        AdmissionEvent::DischargeRecalled,
    ];
    pub fn code(self) -> &'static str {
        match self {
            AdmissionEvent::DischargeOrdered => "discharge_ordered",
            AdmissionEvent::DischargeOrderCancelled => "discharge_order_cancelled",
            AdmissionEvent::AuditPassed => "audit_passed",
            AdmissionEvent::AuditReturned => "audit_returned",
            AdmissionEvent::Settled => "settled",
            AdmissionEvent::SettlementRecalled => "settlement_recalled",
            AdmissionEvent::DischargeRecalled => "discharge_recalled",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            AdmissionEvent::DischargeOrdered => "开出院医嘱",
            AdmissionEvent::DischargeOrderCancelled => "撤销出院医嘱",
            AdmissionEvent::AuditPassed => "费用审核通过",
            AdmissionEvent::AuditReturned => "费用审核退回",
            AdmissionEvent::Settled => "出院结算",
            AdmissionEvent::SettlementRecalled => "结算召回",
            AdmissionEvent::DischargeRecalled => "出院召回",
        }
    }
    pub fn from_code(code: &str) -> Option<AdmissionEvent> {
        AdmissionEvent::ALL.into_iter().find(|e| e.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("患者当前状态为“{}”，不能{}", .from.label(), .event.label())]
pub struct StateError {
    pub from: AdmissionState,
    pub event: AdmissionEvent,
}

impl AdmissionState {
    /// The state after `event`, or why the event cannot happen now.
    pub fn after(self, event: AdmissionEvent) -> Result<AdmissionState, StateError> {
        use AdmissionEvent as E;
        use AdmissionState as S;
        let next = match (self, event) {
            (S::InHospital, E::DischargeOrdered) => S::DischargeOrdered,
            (S::DischargeOrdered, E::DischargeOrderCancelled) => S::InHospital,
            (S::DischargeOrdered, E::AuditPassed) => S::FeesAudited,
            (S::FeesAudited, E::AuditReturned) => S::DischargeOrdered,
            (S::FeesAudited, E::Settled) => S::Settled,
            (S::Settled, E::SettlementRecalled) => S::FeesAudited,
            (S::Settled | S::FeesAudited | S::DischargeOrdered, E::DischargeRecalled) => S::InHospital,
            (from, event) => return Err(StateError { from, event }),
        };
        Ok(next)
    }

    /// Replays an admission's events from admission on.
    pub fn replay(events: impl IntoIterator<Item = AdmissionEvent>) -> Result<AdmissionState, StateError> {
        events.into_iter().try_fold(AdmissionState::InHospital, AdmissionState::after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AdmissionEvent as E;
    use AdmissionState as S;

    #[test]
    fn a_normal_stay() {
        let state = S::replay([E::DischargeOrdered, E::AuditPassed, E::Settled]).unwrap();
        assert_eq!(state, S::Settled);
        assert_eq!(S::replay([E::DischargeOrdered, E::AuditPassed, E::AuditReturned]).unwrap(), S::DischargeOrdered);
        assert_eq!(
            S::replay([E::DischargeOrdered, E::AuditPassed, E::Settled, E::SettlementRecalled]).unwrap(),
            S::FeesAudited
        );
    }

    #[test]
    fn refuses_out_of_order_events_with_a_reason() {
        let err = S::replay([E::AuditPassed]).unwrap_err();
        assert_eq!(err.to_string(), "患者当前状态为“在院”，不能费用审核通过");
        assert!(S::InHospital.after(E::Settled).is_err());
        assert!(S::Settled.after(E::DischargeOrdered).is_err());
    }

    #[test]
    fn every_event_code_round_trips() {
        for e in E::ALL {
            assert_eq!(E::from_code(e.code()), Some(e));
        }
    }
}
