package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/ioutil"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ocpClient speaks the three OCP calls the operator makes for a backup, with HTTP Basic.
type ocpClient struct {
	base     string
	user     string
	password string
	http     *http.Client
}

func newOcpClient(base, user, password string, workers int) *ocpClient {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = workers // keep a connection per worker, as the operator's pool does
	return &ocpClient{base: strings.TrimRight(base, "/"), user: user, password: password,
		http: &http.Client{Transport: transport, Timeout: 30 * time.Second}}
}

// with is the same client (and connection pool) for another connection: a Secret's URL and credentials.
func (c *ocpClient) with(base, user, password string) *ocpClient {
	return &ocpClient{base: strings.TrimRight(base, "/"), user: user, password: password, http: c.http}
}

// envelope is OCP's answer around every payload.
type envelope struct {
	Successful *bool           `json:"successful"`
	Data       json.RawMessage `json:"data"`
	Error      *struct {
		Code    interface{} `json:"code"`
		Message string      `json:"message"`
	} `json:"error"`
	TraceID string `json:"traceId"`
}

type taskInstance struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
}

type taskPage struct {
	Contents []taskInstance `json:"contents"`
	Page     *struct {
		TotalPages *int `json:"totalPages"`
	} `json:"page"`
}

type backupNowAnswer struct {
	ObBackupTaskType          string `json:"obBackupTaskType"`
	BackupObjectOpsResultList []struct {
		BeSuccessful *bool   `json:"beSuccessful"`
		TaskIDList   []int64 `json:"taskIdList"`
	} `json:"backupObjectOpsResultList"`
}

func (c *ocpClient) do(method, path string, body []byte, requestID string, into interface{}) error {
	var reader *bytes.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	var req *http.Request
	var err error
	if reader != nil {
		req, err = http.NewRequest(method, c.base+path, reader)
	} else {
		req, err = http.NewRequest(method, c.base+path, nil)
	}
	if err != nil {
		return err
	}
	req.SetBasicAuth(c.user, c.password)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if requestID != "" {
		req.Header.Set("X-Request-Id", requestID)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := ioutil.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil || env.Successful == nil {
		return fmt.Errorf("%s %s: HTTP %d, not OCP's envelope", method, path, resp.StatusCode)
	}
	if resp.StatusCode/100 != 2 || !*env.Successful {
		msg := ""
		if env.Error != nil {
			msg = env.Error.Message
		}
		return fmt.Errorf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, msg)
	}
	return json.Unmarshal(env.Data, into)
}

// highWaterMark is the operator's read before its intent: the newest task id of the cluster
// (first page, 10 tasks, newest first; 0 when the cluster has none).
func (c *ocpClient) highWaterMark(clusterID int64) (int64, []int64, error) {
	q := url.Values{}
	q.Set("clusterId", strconv.FormatInt(clusterID, 10))
	q.Set("page", "1")
	q.Set("size", "10")
	q.Set("sort", "id,desc")
	var page taskPage
	if err := c.do(http.MethodGet, "/api/v2/tasks/instances?"+q.Encode(), nil, "", &page); err != nil {
		return 0, nil, err
	}
	var mark int64
	recent := make([]int64, 0, len(page.Contents))
	for _, t := range page.Contents {
		recent = append(recent, t.ID)
		if t.ID > mark {
			mark = t.ID
		}
	}
	return mark, recent, nil
}

// backupNow posts the spec's request; the task ids OCP started.
func (c *ocpClient) backupNow(clusterID int64, request map[string]interface{}, requestID string) ([]int64, string, error) {
	body, err := json.Marshal(request)
	if err != nil {
		return nil, "", err
	}
	var answer backupNowAnswer
	if err := c.do(http.MethodPost, "/api/v2/ob/clusters/"+strconv.FormatInt(clusterID, 10)+"/backup/backupNow", body, requestID, &answer); err != nil {
		return nil, "", err
	}
	var ids []int64
	for _, r := range answer.BackupObjectOpsResultList {
		ids = append(ids, r.TaskIDList...)
	}
	return ids, answer.ObBackupTaskType, nil
}

func (c *ocpClient) task(id int64) (taskInstance, error) {
	var t taskInstance
	err := c.do(http.MethodGet, "/api/v2/tasks/instances/"+strconv.FormatInt(id, 10), nil, "", &t)
	return t, err
}
