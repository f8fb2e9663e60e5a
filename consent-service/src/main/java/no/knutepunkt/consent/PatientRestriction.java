package no.knutepunkt.consent;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

import java.time.Instant;

/** A municipality's block on one patient's flows, from every sender or one; the patient only as a keyed hash. */
@Entity
@Table(name = "patient_restrictions", indexes = @Index(name = "patient_restrictions_patient",
        columnList = "orgnr, patientKey"))
public class PatientRestriction extends PanacheEntityBase {

    @Id
    public String restrictionId;
    public String orgnr;
    public String patientKey;
    /** The one sender it applies to, or null for all. */
    public String vkpId;
    @Column(length = 2000)
    public String reason;
    public String restrictedBy;
    public Instant restrictedAt;
    @Column(length = 2000)
    public String liftReason;
    public String liftedBy;
    public Instant liftedAt;

    public boolean activeAt(Instant at) {
        return !at.isBefore(restrictedAt) && (liftedAt == null || at.isBefore(liftedAt));
    }

    public boolean appliesTo(String sender) {
        return vkpId == null || vkpId.equals(sender);
    }
}
