package plugintest

import (
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Subject is the data subject of a subject-rights request: exactly one of
// PupilID and PersonID is set (as sdk.Subject, which converts to it).
type Subject struct {
	PupilID  uint64
	PersonID uint64
}

// File is one file of a subject export (as sdk.File).
type File struct {
	Name        string
	ContentType string
	Content     []byte
}

// proto is s as the contract carries it. Both ids set is sent as neither,
// which the plugin refuses as it would refuse the core.
func (s Subject) proto() *pluginv1.Subject {
	out := &pluginv1.Subject{}
	switch {
	case s.PupilID != 0 && s.PersonID != 0:
	case s.PupilID != 0:
		out.Id = &pluginv1.Subject_PupilId{PupilId: s.PupilID}
	case s.PersonID != 0:
		out.Id = &pluginv1.Subject_PersonId{PersonId: s.PersonID}
	}
	return out
}

// ExportSubject asks the plugin for everything it holds about s, as actor
// (nil: the tenant's system actor, as the core's privacy requests run), and
// returns the files of the export.
func (h *Harness) ExportSubject(actor *pluginv1.Actor, s Subject) ([]File, error) {
	a, revoke := h.bind(actor)
	defer revoke()
	ctx, cancel := h.ctx()
	defer cancel()
	resp, err := h.Client.ExportSubject(ctx, &pluginv1.ExportSubjectRequest{Actor: a, Subject: s.proto()})
	if err != nil {
		return nil, err
	}
	out := make([]File, 0, len(resp.GetFiles()))
	for _, f := range resp.GetFiles() {
		out = append(out, File{Name: f.GetName(), ContentType: f.GetContentType(), Content: f.GetContent()})
	}
	return out, nil
}

// EraseSubject asks the plugin to erase or anonymise everything it holds
// about s, as actor (nil: the tenant's system actor), and returns how many
// records it erased and anonymised.
func (h *Harness) EraseSubject(actor *pluginv1.Actor, s Subject) (erased, anonymised int64, err error) {
	a, revoke := h.bind(actor)
	defer revoke()
	ctx, cancel := h.ctx()
	defer cancel()
	resp, err := h.Client.EraseSubject(ctx, &pluginv1.EraseSubjectRequest{Actor: a, Subject: s.proto()})
	if err != nil {
		return 0, 0, err
	}
	return resp.GetErased(), resp.GetAnonymised(), nil
}
